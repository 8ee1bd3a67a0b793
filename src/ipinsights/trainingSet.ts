/** Training pairs held compactly: one entity index and one IPv4 number per pair (8 bytes a pair). */
export interface TrainingSet {
  readonly entities: readonly string[];
  readonly entityOfPair: Uint32Array;
  readonly ipOfPair: Uint32Array;
}

/** Collects pairs as they stream in (CloudTrail, CSV) without keeping the strings per pair. */
export class TrainingSetBuilder {
  private readonly entityIndex = new Map<string, number>();
  private readonly entities: string[] = [];
  private entityOfPair = new Uint32Array(1024);
  private ipOfPair = new Uint32Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(entity: string, ip: number): void {
    let index = this.entityIndex.get(entity);
    if (index === undefined) {
      index = this.entities.length;
      this.entityIndex.set(entity, index);
      this.entities.push(entity);
    }
    if (this.count === this.ipOfPair.length) this.grow();
    this.entityOfPair[this.count] = index;
    this.ipOfPair[this.count] = ip;
    this.count++;
  }

  build(): TrainingSet {
    return {
      entities: this.entities,
      entityOfPair: this.entityOfPair.subarray(0, this.count),
      ipOfPair: this.ipOfPair.subarray(0, this.count),
    };
  }

  private grow(): void {
    const entityOfPair = new Uint32Array(this.count * 2);
    entityOfPair.set(this.entityOfPair);
    this.entityOfPair = entityOfPair;
    const ipOfPair = new Uint32Array(this.count * 2);
    ipOfPair.set(this.ipOfPair);
    this.ipOfPair = ipOfPair;
  }
}
