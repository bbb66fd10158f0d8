import { useEffect, useState } from 'preact/hooks';
import { Claims, currentClaims, onSessionChange } from './api/client';

/** The claims of the signed-in account (null when signed out), re-rendering on change. */
export function useClaims(): Claims | null {
  const [claims, setClaims] = useState(currentClaims());
  useEffect(() => onSessionChange(() => setClaims(currentClaims())), []);
  return claims;
}

export const isVerified = (c: Claims | null): boolean => c?.verification === 'verified';
export const isModerator = (c: Claims | null): boolean => c?.role === 'moderator' || c?.role === 'admin';

/** A fresh idempotency key for a write the user may retry. */
export function requestId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
