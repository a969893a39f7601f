/** Labelled form controls: every input has a visible label, a hint and an error tied to it by id. */
import type { ButtonHTMLAttributes, ComponentChildren, TextareaHTMLAttributes } from 'preact';
import { useId } from 'preact/hooks';

interface InputProps {
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  hint?: ComponentChildren;
  error?: string | undefined;
  id?: string;
  name?: string;
  type?: 'text' | 'tel' | 'email' | 'search' | 'password' | 'date' | 'datetime-local' | 'number' | 'url' | 'color';
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'tel' | 'email' | 'search';
  placeholder?: string;
  required?: boolean;
  disabled?: boolean;
  maxLength?: number;
  min?: string;
  max?: string;
  spellcheck?: boolean;
  autoFocus?: boolean;
  onBlur?: () => void;
  onKeyDown?: (event: KeyboardEvent) => void;
  /** The id of a <datalist> of suggestions. */
  list?: string;
}

function describedBy(hintId: string, errorId: string, hint: unknown, error: unknown): string | undefined {
  return [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
}

export function TextField({ label, value, onValue, hint, error, id, type = 'text', ...rest }: InputProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      {hint ? (
        <span id={`${inputId}-hint`} class="field__hint">
          {hint}
        </span>
      ) : null}
      <input
        {...rest}
        // Preact 11 types each input type as its own union member; the props here are valid for all of them.
        type={type as 'text'}
        id={inputId}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(`${inputId}-hint`, `${inputId}-error`, hint, error)}
      />
      {error ? (
        <span id={`${inputId}-error`} class="field__error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

type TextAreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'label' | 'onInput' | 'value'> & {
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  hint?: ComponentChildren;
  error?: string | undefined;
};

export function TextArea({ label, value, onValue, hint, error, ...rest }: TextAreaProps) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea
        {...rest}
        id={id}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}
      />
      {hint ? (
        <span id={`${id}-hint`} class="field__hint" aria-live="polite">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} class="field__error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

interface SelectProps<V extends string> {
  label: ComponentChildren;
  value: V;
  options: readonly { value: V; label: string }[];
  onValue: (value: V) => void;
  error?: string | undefined;
}

export function SelectField<V extends string>({ label, value, options, onValue, error }: SelectProps<V>) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onValue(e.currentTarget.value as V)}
        aria-invalid={error ? 'true' : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? <span class="field__error">{error}</span> : null}
    </div>
  );
}

interface ChoiceProps<V extends string> {
  legend: ComponentChildren;
  name: string;
  value: V;
  options: readonly { value: V; label: ComponentChildren }[];
  onValue: (value: V) => void;
}

/** A radio group in a fieldset with a legend. */
export function Choice<V extends string>({ legend, name, value, options, onValue }: ChoiceProps<V>) {
  return (
    <fieldset>
      <legend class="label">{legend}</legend>
      <div class="choices">
        {options.map((o) => (
          <label key={o.value} class="choice">
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              onChange={() => onValue(o.value)}
            />
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function Checkbox({
  label,
  checked,
  onChange,
}: {
  label: ComponentChildren;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label class="choice">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
      {label}
    </label>
  );
}

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> & {
  variant?: 'primary' | 'secondary' | 'danger';
  small?: boolean;
  busy?: boolean;
  type?: 'button' | 'submit';
  disabled?: boolean;
};

export function Button({
  variant = 'primary',
  small,
  busy,
  type = 'button',
  disabled,
  children,
  ...rest
}: ButtonProps) {
  const classes = ['button', variant !== 'primary' ? `button--${variant}` : '', small ? 'button--small' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <button {...rest} type={type} class={classes} disabled={disabled || busy} aria-busy={busy ? 'true' : undefined}>
      {children}
    </button>
  );
}
