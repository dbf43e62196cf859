// The functions vega-interpreter imports from the vega-util package, taken from the Vega bundle
// already on the page (vega.min.js, loaded before any module runs) instead of a second copy.
// The chart pages' import map points the bare name "vega-util" here.
const vega = globalThis.vega;
export const { ascending, isString, DisallowedObjectProperties } = vega;
