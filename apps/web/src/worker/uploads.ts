// SCAFFOLD: filled by the uploads feature.
export const uploads = {};
