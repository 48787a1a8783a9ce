// SCAFFOLD: filled by the links feature.
export const links = {};
