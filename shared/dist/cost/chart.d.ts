import type { PriceCatalogue } from "./catalogue-types.js";
import { type ArchitectureId } from "./types.js";
import { type Workload } from "./workload.js";
export interface CostChartOptions {
    /** Smallest and largest viewer counts on the x axis. Default 10 and 1,000,000. */
    minViewers?: number;
    maxViewers?: number;
    /** Points computed per decade of viewers. Default 12. */
    pointsPerDecade?: number;
    /** Assumptions other than the viewer count. */
    workload?: Partial<Workload>;
    catalogue?: PriceCatalogue;
    architectures?: readonly ArchitectureId[];
    width?: number;
    height?: number;
}
export interface ChartSeries {
    architecture: ArchitectureId;
    label: string;
    usableFromEdge: boolean;
    points: {
        viewers: number;
        usd: number;
    }[];
}
/** Viewer counts from min to max, evenly spaced on a log scale, rounded to whole viewers. */
export declare function logSpacedViewers(min: number, max: number, perDecade: number): number[];
/** The numbers behind the chart: each architecture's total at each viewer count. */
export declare function costChartSeries(options?: CostChartOptions): ChartSeries[];
/** "10", "1k", "1M" style labels for powers of ten. */
export declare function decadeLabel(power: number, prefix?: string): string;
/** The chart as an SVG document (a string). */
export declare function costChartSvg(options?: CostChartOptions): string;
