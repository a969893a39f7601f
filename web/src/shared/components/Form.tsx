import type { ComponentChildren } from 'preact';

interface FormProps {
  onSubmit: () => void;
  children: ComponentChildren;
  class?: string;
  'aria-labelledby'?: string;
  'aria-label'?: string;
  role?: 'search';
}

/** A form handled in the page (no navigation); the server validates, and names bad fields in its answer. */
export function Form({ onSubmit, children, ...rest }: FormProps) {
  return (
    <form
      {...rest}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {children}
    </form>
  );
}
