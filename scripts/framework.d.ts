// The two modules of Observable Framework 1.13 that `npm run build` calls in its own process
// (the package ships no type declarations): the config reader and the build, as its CLI uses them.
declare module "@observablehq/framework/dist/config.js" {
  export function readConfig(configPath?: string, root?: string): Promise<FrameworkConfig>;
  export interface FrameworkConfig {
    root: string;
    output: string;
  }
}
declare module "@observablehq/framework/dist/build.js" {
  import type { FrameworkConfig } from "@observablehq/framework/dist/config.js";
  export function build(options: { config: FrameworkConfig }): Promise<void>;
}
