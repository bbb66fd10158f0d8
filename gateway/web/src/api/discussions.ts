import { api } from './client';

export interface Space {
  spaceId: string;
  kind: 'SPACE_KIND_GENERAL' | 'SPACE_KIND_SPECIALTY' | 'SPACE_KIND_PRIVATE_GROUP' | string;
  title: string;
  specialtyCode?: string;
}

export interface CaseBody {
  context?: string;
  examination?: string;
  investigations?: string;
  question?: string;
}

export interface Case {
  caseId: string;
  spaceId: string;
  authorId?: string;
  title: string;
  body?: CaseBody;
  specialtyCodes?: string[];
  competenceTags?: string[];
  status?: 'CASE_STATUS_OPEN' | 'CASE_STATUS_RESOLVED' | string;
  acceptedReplyId?: string;
  replyCount?: number;
  version?: string;
  createTime?: string;
  updateTime?: string;
  lastActivityTime?: string;
  deleteTime?: string;
  authorDeleted?: boolean;
}

export interface Reply {
  replyId: string;
  caseId: string;
  parentReplyId?: string;
  authorId?: string;
  text: string;
  helpfulCount?: number;
  helpfulByCaller?: boolean;
  accepted?: boolean;
  version?: string;
  createTime?: string;
  updateTime?: string;
  authorDeleted?: boolean;
}

export interface Invitation {
  invitationId: string;
  spaceId: string;
  groupTitle?: string;
  inviteeId?: string;
  inviterId?: string;
  status?: string;
  createTime?: string;
}

export interface GroupMember {
  accountId: string;
  role?: 'MEMBER_ROLE_OWNER' | 'MEMBER_ROLE_MEMBER' | string;
  joinTime?: string;
}

export interface Finding {
  field: string;
  startOffset?: number;
  endOffset?: number;
  category: string;
  suggestion: string;
}

export interface Notification {
  notificationId: string;
  kind: string;
  caseId: string;
  replyId?: string;
  actorId?: string;
  read?: boolean;
  createTime?: string;
}

export interface Report {
  reportId: string;
  caseId?: string;
  replyId?: string;
  reporterId?: string;
  reason: string;
  details?: string;
  createTime?: string;
}

export const discussions = {
  listSpaces: (pageToken?: string) =>
    api<{ spaces?: Space[]; nextPageToken?: string }>('/v1/spaces', { query: { pageSize: 100, pageToken } }),
  checkText: (text: string, field: string, signal?: AbortSignal) =>
    api<{ findings?: Finding[] }>('/v1/patient-data:check', { body: { text, field }, signal }),
  createCase: (c: Omit<Case, 'caseId'>, requestId: string) =>
    api<{ case: Case }>('/v1/cases', { body: c, query: { requestId } }),
  // UpdateCase: the body is the whole request; the mask's paths are the JSON names of the fields.
  updateCase: (c: Partial<Case> & { caseId: string }, mask: string[]) =>
    api<{ case: Case }>(`/v1/cases/${encodeURIComponent(c.caseId)}`, {
      method: 'PATCH',
      body: { case: c, updateMask: mask.join(',') },
    }),
  deleteCase: (caseId: string) => api<object>(`/v1/cases/${encodeURIComponent(caseId)}`, { method: 'DELETE' }),
  getCase: (caseId: string) => api<{ case: Case }>(`/v1/cases/${encodeURIComponent(caseId)}`),
  listCases: (q: { spaceId?: string; authorId?: string; pageToken?: string; orderBy?: string }) =>
    api<{ cases?: Case[]; nextPageToken?: string }>('/v1/cases', { query: { ...q, pageSize: 20 } }),
  listReplies: (caseId: string) =>
    api<{ replies?: Reply[]; nextPageToken?: string }>(`/v1/cases/${encodeURIComponent(caseId)}/replies`, {
      query: { pageSize: 100 },
    }),
  addReply: (caseId: string, text: string, requestId: string, parentReplyId?: string) =>
    api<{ reply: Reply }>(`/v1/cases/${encodeURIComponent(caseId)}/replies`, {
      body: { text, requestId, parentReplyId },
    }),
  editReply: (replyId: string, text: string, version?: string) =>
    api<{ reply: Reply }>(`/v1/replies/${encodeURIComponent(replyId)}`, { method: 'PATCH', body: { text, version } }),
  voteHelpful: (replyId: string, helpful: boolean) =>
    api<{ reply: Reply }>(`/v1/replies/${encodeURIComponent(replyId)}:voteHelpful`, { body: { helpful } }),
  accept: (replyId: string) => api<{ case: Case }>(`/v1/replies/${encodeURIComponent(replyId)}:accept`, { body: {} }),
  follow: (caseId: string, on: boolean) =>
    api<object>(`/v1/cases/${encodeURIComponent(caseId)}:${on ? 'follow' : 'unfollow'}`, { body: {} }),
  unreadCount: () => api<{ unread?: string }>('/v1/notifications:unreadCount'),
  listNotifications: () => api<{ notifications?: Notification[] }>('/v1/notifications', { query: { pageSize: 50 } }),
  markRead: () => api<object>('/v1/notifications:markRead', { body: { upToId: '0' } }),
  report: (r: { caseId?: string; replyId?: string; reason: string; details?: string }) =>
    api<object>('/v1/reports', { body: r }),
  listReports: () => api<{ reports?: Report[] }>('/v1/reports', { query: { pageSize: 100 } }),
  createGroup: (title: string) => api<{ space: Space }>('/v1/groups', { body: { title } }),
  invite: (spaceId: string, accountId: string) =>
    api<{ invitation: Invitation }>(`/v1/groups/${encodeURIComponent(spaceId)}/invitations`, { body: { accountId } }),
  listInvitations: () => api<{ invitations?: Invitation[] }>('/v1/invitations'),
  respondToInvitation: (invitationId: string, accept: boolean) =>
    api<{ invitation: Invitation }>(`/v1/invitations/${encodeURIComponent(invitationId)}:respond`, { body: { accept } }),
  listGroupInvitations: (spaceId: string) =>
    api<{ invitations?: Invitation[]; nextPageToken?: string }>(`/v1/groups/${encodeURIComponent(spaceId)}/invitations`, {
      query: { pageSize: 100 },
    }),
  cancelInvitation: (invitationId: string) =>
    api<{ invitation: Invitation }>(`/v1/invitations/${encodeURIComponent(invitationId)}:cancel`, { body: {} }),
  leaveGroup: (spaceId: string) => api<object>(`/v1/groups/${encodeURIComponent(spaceId)}:leave`, { body: {} }),
  listMembers: (spaceId: string) =>
    api<{ members?: GroupMember[]; nextPageToken?: string }>(`/v1/groups/${encodeURIComponent(spaceId)}/members`, {
      query: { pageSize: 100 },
    }),
  hide: (r: { caseId?: string; replyId?: string; reason: string }) => api<object>('/v1/moderation:hide', { body: r }),
};
