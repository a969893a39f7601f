/** A table of rows, one column per field; it scrolls sideways on a phone (a named, keyboard-scrollable region). */
import type { ComponentChildren } from 'preact';
import { TableScroll } from './TableScroll';

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ComponentChildren;
}

interface DataTableProps<Row> {
  label: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  caption?: string;
  class?: string;
}

export function DataTable<Row>({ label, columns, rows, rowKey, caption, class: className }: DataTableProps<Row>) {
  return (
    <TableScroll label={label} {...(className ? { class: className } : {})}>
      <table class="data">
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
