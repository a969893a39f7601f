import type { ComponentChildren } from 'preact';
import { onLinkClick } from '../router';

export function Link({
  href,
  children,
  class: className,
  current,
}: {
  href: string;
  children: ComponentChildren;
  class?: string;
  current?: boolean;
}) {
  return (
    <a href={href} class={className} onClick={onLinkClick} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}
