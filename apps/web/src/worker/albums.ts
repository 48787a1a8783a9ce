// SCAFFOLD: filled by the albums feature.
export const albums = {};
