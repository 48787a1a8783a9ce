// The link page shows photos with the app's own grid and viewer (features/photos), under the
// scope `link:<linkId>`: thumbnails, details and originals come from the handles worker/links.ts
// registered for the opened link.
export { PhotoGrid } from '../photos/PhotoGrid.tsx';
export { Viewer } from '../photos/Viewer.tsx';
