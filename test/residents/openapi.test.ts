import { expect, it } from 'vitest';
import { describeEachDatabase } from '../app.js';

describeEachDatabase('resident API in OpenAPI', (t) => {
  it('documents the login and contact data manager routes', async () => {
    const answer = await t().app.inject({ url: '/api/openapi.json' });
    expect(answer.statusCode).toBe(200);
    const paths = Object.keys(answer.json().paths);
    for (const path of [
      '/api/t/{tenant}/captcha',
      '/api/t/{tenant}/login/pin',
      '/api/t/{tenant}/login',
      '/api/t/{tenant}/logout',
      '/api/t/{tenant}/me',
      '/api/t/{tenant}/me/export',
      '/api/t/{tenant}/me/history',
      '/api/t/{tenant}/me/endpoints',
      '/api/t/{tenant}/me/endpoints/{id}/verify',
      '/api/t/{tenant}/me/addresses/{id}',
      '/api/t/{tenant}/me/addresses/{id}/register-once',
    ]) {
      expect(paths).toContain(path);
    }
    const register = answer.json().paths['/api/t/{tenant}/me'].post;
    expect(JSON.stringify(register.requestBody)).toContain('businessId');
  });
});
