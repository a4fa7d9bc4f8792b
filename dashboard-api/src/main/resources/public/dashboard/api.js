// Calls Braid's JSON API with the key the user entered; the key lives in sessionStorage only.
const KEY = 'braid.apiKey';

export function apiKey() {
  return sessionStorage.getItem(KEY) || '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

/** A failed call: status plus Braid's error body ({error:{type,code,message}}) when there is one. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** What to tell a person, with 401 and 403 spelled out. */
  explain() {
    if (this.status === 401) {
      return `Not signed in or key refused (401): enter a valid API key above. ${this.message}`;
    }
    if (this.status === 403) {
      return `This key's role may not do that (403). ${this.message}`;
    }
    if (this.status === 0) {
      return `The server did not answer: ${this.message}`;
    }
    return `${this.status} ${this.code || ''}: ${this.message}`;
  }
}

export async function call(path, { method = 'GET', body, accept = 'application/json' } = {}) {
  const headers = { Accept: accept };
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', String(e && e.message ? e.message : e));
  }
  const text = await response.text();
  if (!response.ok) {
    let code = '';
    let message = response.statusText || 'request failed';
    try {
      const error = JSON.parse(text).error;
      if (error) {
        code = error.code || error.type || '';
        message = error.message || message;
      }
    } catch (ignored) {
      // not JSON: keep the status text
    }
    throw new ApiError(response.status, code, message);
  }
  if (accept.startsWith('application/json')) return text ? JSON.parse(text) : null;
  return text;
}

export const enc = encodeURIComponent;
