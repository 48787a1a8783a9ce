// SCAFFOLD: filled by the sharing feature.
export const sharing = {};
