// Where a page of a newest-first list ends: its last row's time and id. The next page is read
// through an index from there (never OFFSET, whose cost grows with the page number).
export interface Keyset {
  at: number;
  id: string;
}
