/** Errors: the ApiError family re-exported from @fw/api, as in the getting-started try/catch. */
import { describe, expect, it } from 'vitest';
import * as neutral from '../../src/index.js';
import {
  ApiError,
  ApiException,
  BadRequestError,
  ConflictError,
  NotFoundError,
  UnprocessableEntityError,
  Client,
} from '../../src/node.js';
import * as api from '@fw/api';
import { groupId, useServer } from '../helpers/server.js';

describe('errors', () => {
  const ctx = useServer();

  it('the getting-started try/catch: status, reason, detail', async () => {
    let caught: unknown;
    try {
      await ctx.fw.getProject('NON_EXISTENT_ID');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ApiException);
    expect(caught).toBeInstanceOf(ApiError);
    const e = caught as ApiError;
    expect([400, 404]).toContain(e.status);
    // v21: reason is the JSON body's message; the HTTP reason phrase stays in statusText
    expect(e.reason).toMatch(/NON_EXISTENT_ID/);
    expect(e.statusText).toBe(e.status === 404 ? 'Not Found' : 'Bad Request');
    // the local server's 404 body has no `detail`, so the text form has no Detail line
    expect(e.detail).toBeUndefined();
    expect(e.message).toBe(`(${e.status}) Reason: ${e.reason}`);
    expect(String(e)).toBe(`(${e.status}) Reason: ${e.reason}\nRequest: GET ${e.url}`);
  });

  it('the same classes as @fw/api, from both entries', () => {
    expect(ApiError).toBe(api.ApiError);
    expect(ApiException).toBe(api.ApiError);
    expect(neutral.NotFoundError).toBe(api.NotFoundError);
  });

  it('404 for unknown ids, with the subclass', async () => {
    await expect(ctx.fw.getSession('000000000000000000000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('400 for a project without a group, a session without a project', async () => {
    await expect(ctx.fw.addProject({ label: 'no group' } as never)).rejects.toBeInstanceOf(
      BadRequestError,
    );
    await expect(ctx.fw.addSession({ label: 'no project' } as never)).rejects.toBeInstanceOf(
      BadRequestError,
    );
  });

  it('409 for a duplicate group or modality', async () => {
    const id = groupId('dup');
    await ctx.fw.addGroup({ _id: id, label: 'once' });
    await expect(ctx.fw.addGroup({ _id: id, label: 'twice' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    const mod = id.toUpperCase().replace(/-/g, '_').slice(0, 60);
    await ctx.fw.addModality({ _id: mod, classification: {} });
    await expect(ctx.fw.addModality({ _id: mod, classification: {} })).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      ctx.fw.replaceModality('NO_SUCH_MODALITY', { classification: {} } as never),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('422 for invalid paging parameters', async () => {
    await expect(ctx.fw.getAllProjects({ page: 2, skip: 1 })).rejects.toBeInstanceOf(
      UnprocessableEntityError,
    );
  });

  it('a wrong API key is an authentication error', async () => {
    const parts = ctx.server.apiKey.split(':');
    parts[parts.length - 1] = 'wrong-key';
    const bad = new Client(parts.join(':'));
    await expect(bad.getCurrentUser()).rejects.toMatchObject({ status: 401 });
  });

  it('missing path parameters are refused before any request', async () => {
    await expect(ctx.fw.getProject('')).rejects.toThrow(/"projectId" must be a non-empty string/);
  });
});
