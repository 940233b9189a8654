/** A treatment an analyst should know of (an encoding converted, answers mapped to scores), per file. */
export interface Warning {
  file: string;
  message: string;
}
