import { api } from './client';

export interface DoctorHit {
  profileId: string;
  displayName: string;
  specialtyCode?: string;
  specialtyLabel?: string;
  headline?: string;
  matchedCompetences?: string[];
  languages?: string[];
  acceptingReferrals?: boolean;
  communes?: string[];
  distanceKm?: number;
  endorsementCount?: number;
}

export interface FacetCount {
  value: string;
  label?: string;
  count?: string;
}

export interface CaseHit {
  caseId: string;
  spaceId?: string;
  title: string;
  snippet?: string;
  highlights?: { start?: number; end?: number }[];
  tags?: string[];
  resolved?: boolean;
  replyCount?: number;
  createTime?: string;
}

export interface Suggestion {
  kind: string;
  text: string;
  value?: string;
  detail?: string;
}

export interface DoctorQuery {
  query?: string;
  specialtyCodes?: string[];
  competences?: string[];
  languages?: string[];
  acceptingReferrals?: boolean;
  place?: string;
  /** A commune picked from SearchCommunes: its coordinates (near.point) rather than its name. */
  point?: { latitude: number; longitude: number };
  radiusKm?: number;
  pageToken?: string;
}

export const search = {
  doctors: (q: DoctorQuery) => {
    const params = new URLSearchParams();
    if (q.query) params.set('query', q.query);
    for (const s of q.specialtyCodes ?? []) params.append('specialtyCodes', s);
    for (const c of q.competences ?? []) params.append('competences', c);
    for (const l of q.languages ?? []) params.append('languages', l);
    if (q.acceptingReferrals) params.set('acceptingReferrals', 'true');
    if (q.point) {
      params.set('near.point.latitude', String(q.point.latitude));
      params.set('near.point.longitude', String(q.point.longitude));
    } else if (q.place) {
      params.set('near.place', q.place);
    }
    if ((q.point || q.place) && q.radiusKm) params.set('near.radiusKm', String(q.radiusKm));
    if (q.pageToken) params.set('pageToken', q.pageToken);
    else params.set('includeFacets', 'true');
    params.set('pageSize', '20');
    return api<{
      doctors?: DoctorHit[];
      nextPageToken?: string;
      specialtyFacets?: FacetCount[];
      competenceFacets?: FacetCount[];
      communeFacets?: FacetCount[];
      totalSize?: string;
    }>(`/v1/search/doctors?${params}`);
  },
  cases: (query: string, pageToken?: string) =>
    api<{ cases?: CaseHit[]; nextPageToken?: string }>('/v1/search/cases', { query: { query, pageToken, pageSize: 20 } }),
  suggest: (prefix: string, kinds: string[] = [], signal?: AbortSignal) => {
    const params = new URLSearchParams({ prefix, limit: '8' });
    for (const k of kinds) params.append('kinds', k);
    return api<{ suggestions?: Suggestion[] }>(`/v1/search/suggestions?${params}`, { signal });
  },
};
