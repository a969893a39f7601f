/** Who acts: an operator (session) or an API token. Recorded with every change an operator makes. */
export interface Actor {
  type: 'operator' | 'token';
  id: string;
}
