// Facts about this build, fixed by vite.config.ts when the site is built: the date of the
// commit it was built from (YYYY-MM-DD) and the address of the source code (the environment
// variable NAGAR_SOURCE_URL at build time; empty when not given).
declare const __NAGAR_BUILD_DATE__: string;
declare const __NAGAR_SOURCE_URL__: string;

export const BUILD_DATE: string = __NAGAR_BUILD_DATE__;
export const SOURCE_URL: string = __NAGAR_SOURCE_URL__;
