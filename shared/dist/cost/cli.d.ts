import { type Workload } from "./workload.js";
/** The help, written for someone deciding what to buy: every flag with its unit and default. */
export declare function usage(): string;
export declare class UsageError extends Error {
    readonly name = "UsageError";
}
export interface CliOptions {
    workload: Partial<Workload>;
    json: boolean;
    seed: boolean;
    help: boolean;
}
/** Parses `--flag value` / `--flag=value` arguments; throws a UsageError for anything else. */
export declare function parseArgs(argv: readonly string[]): CliOptions;
export interface CliIo {
    out: (text: string) => void;
    err: (text: string) => void;
}
/** Runs the CLI; returns the exit code (0 ok, 2 bad usage or input). */
export declare function main(argv: readonly string[], io: CliIo): number;
