/** The outline of grid cells: one ring per island, holes clockwise inside their shell, corners only, diagonal neighbours apart. */
import { describe, expect, it } from 'vitest';
import { gridOutline } from '../../src/modules/incidents/grid-outline.js';

const outline = (cells: Array<[number, number]>) => gridOutline(cells, (i, j) => [i, j])?.coordinates;

describe('grid outline', () => {
  it('outlines one cell, an L and two islands counter-clockwise, with corners only', () => {
    expect(outline([[0, 0]])).toEqual([
      [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    ]);
    expect(
      outline([
        [0, 0],
        [1, 0],
        [0, 1],
      ]),
    ).toEqual([
      [
        [
          [0, 0],
          [2, 0],
          [2, 1],
          [1, 1],
          [1, 2],
          [0, 2],
          [0, 0],
        ],
      ],
    ]);
    expect(
      outline([
        [0, 0],
        [5, 5],
      ]),
    ).toHaveLength(2);
    expect(outline([])).toBeUndefined();
  });

  it('keeps cells that touch at a corner as two polygons', () => {
    expect(
      outline([
        [0, 0],
        [1, 1],
      ]),
    ).toEqual([
      [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
      ],
      [
        [
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 2],
          [1, 1],
        ],
      ],
    ]);
  });

  it('gives a ring of cells its hole, clockwise', () => {
    const ring: Array<[number, number]> = [
      [0, 0],
      [1, 0],
      [2, 0],
      [0, 1],
      [2, 1],
      [0, 2],
      [1, 2],
      [2, 2],
    ];
    expect(outline(ring)).toEqual([
      [
        [
          [0, 0],
          [3, 0],
          [3, 3],
          [0, 3],
          [0, 0],
        ],
        [
          [2, 1],
          [1, 1],
          [1, 2],
          [2, 2],
          [2, 1],
        ],
      ],
    ]);
  });
});
