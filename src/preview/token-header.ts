/** The request header that carries the preview host's per-run token (host and page alike). */
export const TOKEN_HEADER = 'x-preview-token';
