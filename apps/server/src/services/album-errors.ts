// Errors of album operations, worded for people. Who may do what is decided in access.ts
// ([Note: one access module]).
import { AppError, conflict } from '../errors.ts';

export const keyChanged = () => new AppError('conflict', 'album key changed meanwhile; reload and try again');
export const stateConflict = (seq: number) => new AppError('conflict',
  `the album changed meanwhile (its signed state is now number ${seq}); reload it and try again`);
export const setupRequired = () => new AppError('setup-required',
  "this album waits for its owner's one-time setup (its state is not signed yet); nothing can be added or shared until then");
export const rotationRequired = () => new AppError('rotation-required',
  'someone left this album: its key must be rotated before photos are added (the app does this automatically)');
export const onePhotoOnly = () => conflict('a shared photo holds exactly one photo');
