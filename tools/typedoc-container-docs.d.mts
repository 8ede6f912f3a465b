// Types of the TypeDoc plugin `typedoc-container-docs.mjs` (plain JS, see there), for its tests.
import type { Application } from 'typedoc';

export declare const CONTAINER_CLASSES: string[];
export declare const SDK_MODULE: string;
/** Problems with the container classes of a converted project (reflections or their JSON). */
export declare function containerDocProblems(project: object): string[];
/** The HTML pages the container classes must have, relative to the output folder. */
export declare function containerPages(): string[];
export declare function load(app: Application): void;
