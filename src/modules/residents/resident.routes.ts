/**
 * The contact data manager over HTTP (`/api/t/{tenant}/me…`): every route needs a resident session of
 * that tenant, and a CSRF header on changes. Routes translate HTTP; the services hold the rules.
 */
import type { FastifyRequest } from 'fastify';
import { routePlugin } from '../../http/route-plugin.js';
import { authOf, clearSessionCookie } from '../../http/session-cookie.js';
import { residentIdentity } from './resident.identity.js';
import {
  addedAddressView,
  addressBody,
  addressChangeBody,
  contactChangeBody,
  endpointBody,
  endpointChangeBody,
  endpointView,
  historyView,
  itemParams,
  meView,
  myAddressView,
  pinBody,
  signUpBody,
  signUpOnceBody,
  signUpOnceView,
  tenantParams,
} from './resident.schemas.js';
import type { Residents } from './residents.module.js';

export interface ResidentRouteDeps {
  residents: Residents;
}

const security = [{ session: [] }];
const me = (request: FastifyRequest) => residentIdentity(authOf(request), request.ip);

export const residentRoutes = routePlugin('residents', (app, deps: ResidentRouteDeps) => {
  const preHandler = app.requireResident;
  const { contacts, endpoints, places, signUpOnce } = deps.residents;
  const tags = ['resident'];

  app.get(
    '/api/t/:tenant/me',
    {
      schema: {
        tags,
        security,
        summary: 'The logged-in contact: names, numbers, emails, addresses, whether the number was known',
        params: tenantParams,
        response: { 200: meView },
      },
      preHandler,
    },
    async (request) => contacts.me(me(request)),
  );

  app.post(
    '/api/t/:tenant/me',
    {
      schema: {
        tags,
        security,
        summary: 'Sign up as a private person or a company contact',
        params: tenantParams,
        body: signUpBody,
        response: { 201: meView },
      },
      preHandler,
    },
    async (request, reply) => reply.status(201).send(await contacts.register(me(request), request.body)),
  );

  app.patch(
    '/api/t/:tenant/me',
    {
      schema: {
        tags,
        security,
        summary: 'Change names, language, business id; hide the name',
        params: tenantParams,
        body: contactChangeBody,
        response: { 200: meView },
      },
      preHandler,
    },
    async (request) => contacts.updateContact(me(request), request.body),
  );

  app.delete(
    '/api/t/:tenant/me',
    { schema: { tags, security, summary: 'Delete all my data (and log out)', params: tenantParams }, preHandler },
    async (request, reply) => {
      await contacts.deleteAll(me(request));
      clearSessionCookie(request, reply);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/t/:tenant/me/export',
    { schema: { tags, security, summary: 'All my data as one JSON file', params: tenantParams }, preHandler },
    async (request, reply) => {
      const data = await contacts.exportData(me(request));
      reply.header('content-disposition', 'attachment; filename="my-data.json"').header('cache-control', 'no-store');
      return data;
    },
  );

  app.get(
    '/api/t/:tenant/me/history',
    {
      schema: {
        tags,
        security,
        summary: 'Notices sent to me in the last 12 months',
        params: tenantParams,
        response: { 200: historyView },
      },
      preHandler,
    },
    async (request) => ({
      items: await contacts.history(me(request)),
    }),
  );

  // ---- numbers and emails ----

  app.post(
    '/api/t/:tenant/me/endpoints',
    {
      schema: {
        tags,
        security,
        summary: 'Add a number or email (a PIN goes to it for verification)',
        params: tenantParams,
        body: endpointBody,
        response: { 201: endpointView },
      },
      preHandler,
    },
    async (request, reply) => reply.status(201).send(await endpoints.add(me(request), request.body)),
  );

  app.post(
    '/api/t/:tenant/me/endpoints/:id/verify',
    {
      schema: {
        tags,
        security,
        summary: 'Verify a number or email with the PIN sent to it',
        params: itemParams,
        body: pinBody,
        response: { 200: endpointView },
      },
      preHandler,
    },
    async (request) => endpoints.verify(me(request), request.params.id, request.body.pin),
  );

  app.post(
    '/api/t/:tenant/me/endpoints/:id/pin',
    { schema: { tags, security, summary: 'Send a new verification PIN', params: itemParams }, preHandler },
    async (request, reply) => {
      await endpoints.resendPin(me(request), request.params.id);
      return reply.status(202).send();
    },
  );

  app.patch(
    '/api/t/:tenant/me/endpoints/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Change the number or email (verified again by PIN), or correct mobile / landline',
        params: itemParams,
        body: endpointChangeBody,
        response: { 200: endpointView },
      },
      preHandler,
    },
    async (request) => endpoints.change(me(request), request.params.id, request.body),
  );

  app.delete(
    '/api/t/:tenant/me/endpoints/:id',
    { schema: { tags, security, summary: 'Remove a number or email', params: itemParams }, preHandler },
    async (request, reply) => {
      await endpoints.remove(me(request), request.params.id);
      return reply.status(204).send();
    },
  );

  // ---- addresses ----

  app.post(
    '/api/t/:tenant/me/addresses',
    {
      schema: {
        tags,
        security,
        summary: 'Add an address from the search, as main or extra; lists other tenants that cover it',
        params: tenantParams,
        body: addressBody,
        response: { 201: addedAddressView },
      },
      preHandler,
    },
    async (request, reply) => reply.status(201).send(await places.add(me(request), request.body)),
  );

  app.patch(
    '/api/t/:tenant/me/addresses/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Set as main, relabel, deactivate or reactivate alerts',
        params: itemParams,
        body: addressChangeBody,
        response: { 200: myAddressView },
      },
      preHandler,
    },
    async (request) => places.update(me(request), request.params.id, request.body),
  );

  app.delete(
    '/api/t/:tenant/me/addresses/:id',
    { schema: { tags, security, summary: 'Remove an address', params: itemParams }, preHandler },
    async (request, reply) => {
      await places.remove(me(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/t/:tenant/me/addresses/:id/register-once',
    {
      schema: {
        tags,
        security,
        summary: 'With consent, register this address with other tenants that cover it',
        params: itemParams,
        body: signUpOnceBody,
        response: { 200: signUpOnceView },
      },
      preHandler,
    },
    async (request) => ({
      results: await signUpOnce.register(me(request), request.params.id, request.body.tenants),
    }),
  );
});
