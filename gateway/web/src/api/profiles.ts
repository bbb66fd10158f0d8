import { api } from './client';

export interface Competence {
  code?: string;
  label: string;
  key?: string;
  endorsementCount?: number;
  endorsedByCaller?: boolean;
}

export interface PracticePlace {
  name?: string;
  kind?: string;
  address?: string;
  postcode?: string;
  commune?: string;
  inseeCode?: string;
  latitude?: number;
  longitude?: number;
  acceptsReferrals?: boolean;
}

/** A French commune from profiles' commune table (SearchCommunes). */
export interface Commune {
  inseeCode: string;
  name: string;
  departement?: string;
  postcodes?: string[];
  /** The postcode that matched, or the commune's only one. */
  postcode?: string;
  /** The La Poste name that matched ("Lyon 3e Arrondissement"). */
  matchedAlias?: string;
  population?: number;
  latitude?: number;
  longitude?: number;
  coordinatesSource?: string;
}

export interface Education {
  kind?: string;
  title?: string;
  institution?: string;
  startYear?: number;
  endYear?: number;
}

export interface Profile {
  profileId: string;
  rpps?: string;
  civility?: string;
  givenName?: string;
  familyName?: string;
  specialtyCode?: string;
  specialtyLabel?: string;
  headline?: string;
  bio?: string;
  savoirFaire?: { typeCode?: string; typeLabel?: string; code?: string; label?: string }[];
  competences?: Competence[];
  practicePlaces?: PracticePlace[];
  education?: Education[];
  languages?: string[];
  links?: { title?: string; url?: string }[];
  acceptingReferrals?: boolean;
  contact?: { phone?: string; email?: string };
  etag?: string;
  connectionCount?: number;
}

export interface TaxonomyCompetence {
  code: string;
  specialtyCode?: string;
  label: string;
  synonyms?: string[];
}

export interface Colleague {
  profileId: string;
  civility?: string;
  givenName?: string;
  familyName?: string;
  specialtyCode?: string;
  specialtyLabel?: string;
  headline?: string;
}

export const displayName = (p: { civility?: string; givenName?: string; familyName?: string }): string =>
  [p.civility === 'Docteur' ? 'Dr' : p.civility === 'Professeur' ? 'Pr' : p.civility, p.givenName, p.familyName]
    .filter(Boolean)
    .join(' ');

const id = encodeURIComponent;

export const profiles = {
  searchCommunes: (query: string, limit: number, signal?: AbortSignal) =>
    api<{ communes?: Commune[] }>('/v1/communes:search', { query: { query, limit }, signal }),
  getMine: () => api<{ profile: Profile }>('/v1/profiles:me'),
  get: (profileId: string) => api<{ profile: Profile }>(`/v1/profiles/${id(profileId)}`),
  batchGet: (profileIds: string[]) => api<{ profiles?: Profile[] }>('/v1/profiles:batchGet', { body: { profileIds } }),
  update: (profile: Partial<Profile> & { profileId: string }, fields: string[], etag?: string) =>
    api<{ profile: Profile }>(`/v1/profiles/${id(profile.profileId)}`, {
      method: 'PATCH',
      body: { profile, updateMask: fields.join(','), etag },
    }),
  competences: (specialtyCode?: string) =>
    api<{ competences?: TaxonomyCompetence[] }>('/v1/competences', { query: { specialtyCode } }),
  requestConnection: (profileId: string, message?: string) =>
    api<object>('/v1/connections:request', { body: { profileId, message } }),
  respond: (profileId: string, accept: boolean) => api<object>('/v1/connections:respond', { body: { profileId, accept } }),
  connections: () =>
    api<{ connections?: { colleague: Colleague; connectTime?: string }[] }>('/v1/connections', { query: { pageSize: 100 } }),
  requests: (sent = false) =>
    api<{ requests?: { colleague: Colleague; message?: string; createTime?: string }[] }>('/v1/connections/requests', {
      query: { sent: sent || undefined, pageSize: 100 },
    }),
  suggestions: () =>
    api<{ suggestions?: { colleague: Colleague; sharedConnections?: number; reasons?: string[] }[] }>(
      '/v1/connections/suggestions',
      { query: { pageSize: 10 } },
    ),
  endorse: (profileId: string, competenceKey: string) =>
    api<{ endorsementCount?: number }>(`/v1/profiles/${id(profileId)}/endorsements`, { body: { competenceKey } }),
  retract: (profileId: string, competenceKey: string) =>
    api<{ endorsementCount?: number }>(`/v1/profiles/${id(profileId)}/endorsements/${id(competenceKey)}`, {
      method: 'DELETE',
    }),
};
