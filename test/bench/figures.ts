/** One line of the bench table and of `bench-results.json`. */
export interface Figure {
  /** What was measured. */
  name: string;
  /** The median over the rounds. */
  value: number;
  unit: string;
  /** Every round's value, for anyone who wants to see the spread. */
  rounds?: number[];
  /** The floor measured in the same run, when the target is a ratio. */
  floor?: { name: string; value: number; unit: string };
  /** value / floor (or the inverse, for "x times faster" targets); see `ratioMeaning`. */
  ratio?: number;
  ratioMeaning?: string;
  /** The target in words, e.g. `ratio <= 1.5`; absent for figures reported without a target. */
  target?: string;
  pass?: boolean;
  /** Extra facts (ops/s, counts). */
  detail?: string;
}

/** A figure with a ratio target against a floor. */
export function ratioFigure(input: {
  name: string;
  value: number;
  unit: string;
  rounds: number[];
  floor: { name: string; value: number; unit: string };
  ratio: number;
  ratioMeaning: string;
  max?: number;
  min?: number;
  detail?: string;
}): Figure {
  const pass =
    (input.max === undefined || input.ratio <= input.max) &&
    (input.min === undefined || input.ratio >= input.min);
  const target = input.max !== undefined ? `ratio <= ${input.max}` : `ratio >= ${input.min ?? 0}`;
  return {
    name: input.name,
    value: input.value,
    unit: input.unit,
    rounds: input.rounds,
    floor: input.floor,
    ratio: input.ratio,
    ratioMeaning: input.ratioMeaning,
    target,
    pass,
    ...(input.detail ? { detail: input.detail } : {}),
  };
}

/** A figure with an absolute upper bound. */
export function boundFigure(input: {
  name: string;
  value: number;
  unit: string;
  rounds?: number[];
  max: number;
  detail?: string;
}): Figure {
  return {
    ...infoFigure(input),
    target: `<= ${input.max} ${input.unit}`,
    pass: input.value <= input.max,
  };
}

/** A figure reported without a target. */
export function infoFigure(input: {
  name: string;
  value: number;
  unit: string;
  rounds?: number[];
  detail?: string;
}): Figure {
  return {
    name: input.name,
    value: input.value,
    unit: input.unit,
    ...(input.rounds ? { rounds: input.rounds } : {}),
    ...(input.detail ? { detail: input.detail } : {}),
  };
}
