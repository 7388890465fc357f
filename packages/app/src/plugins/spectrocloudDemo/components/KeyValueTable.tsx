import { ReactNode } from 'react';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@material-ui/core';

/** A two-column table: one row per `[label, value]`. */
export function KeyValueTable(props: {
  headers: [string, string];
  rows: Array<[string, ReactNode]>;
  ariaLabel: string;
}) {
  return (
    <Table size="small" aria-label={props.ariaLabel}>
      <TableHead>
        <TableRow>
          <TableCell>{props.headers[0]}</TableCell>
          <TableCell>{props.headers[1]}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rows.map(([label, value]) => (
          <TableRow key={label}>
            <TableCell component="th" scope="row">
              {label}
            </TableCell>
            <TableCell>{value}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
