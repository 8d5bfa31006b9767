/** The architectures the model compares, with what a reader needs to know about each. */
import type { ModelInput, ModelOutput } from "./model-kit.js";
import type { ArchitectureId } from "./types.js";
export interface Architecture {
    id: ArchitectureId;
    label: string;
    description: string;
    /** False when heartbeats from an edge worker cannot reach the store. */
    usableFromEdge: boolean;
    keepsHistory: boolean;
    model: (input: ModelInput) => ModelOutput;
}
export declare const ARCHITECTURES: Readonly<Record<ArchitectureId, Architecture>>;
