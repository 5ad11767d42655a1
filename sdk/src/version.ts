/** The package version, named in every error message (a unit test keeps it equal to sdk/package.json). */
export const VERSION = "0.1.0";
