import { fr } from './fr';

/** The catalogue in use; the only one so far. */
export const t = fr;
