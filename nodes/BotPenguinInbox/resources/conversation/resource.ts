/**
 * Chats and leads are the same records of one bot (GET /inbox/direct/chats with type non-lead or lead,
 * PUT /inbox/direct/lead for both), so this folder builds two resources, Chat and Lead, from one set
 * of operation files; each operation takes the resource it is built for.
 */
export type ConversationResource = 'chat' | 'lead';
