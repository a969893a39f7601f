import type { ComponentChildren } from 'preact';

/** A wide table that scrolls sideways on a phone; the region is named and keyboard-scrollable (WCAG 2.1.1). */
export function TableScroll({
  label,
  children,
  class: className,
}: {
  label: string;
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <div class={`table-scroll ${className ?? ''}`.trim()} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
