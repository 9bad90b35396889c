# A service written the way old IDL files are: hash comments, fields
# without ids (Apache numbers them -1, -2, ... with a warning), `async`
# for oneway, `byte` for i8, `;` separators, C-style comments, doc
# comments in odd places, trailing separators in lists, and no namespace
# at all (the generated code lives in the global namespace).

/* Old style block comment before the first definition. */

/** Old event kinds; values with ; separators. */
enum LegacyEvent { CREATED = 1; UPDATED = 2; REMOVED = 3; }

struct LegacyRecord {
  string name;            // no field id
  byte flags;             // byte, not i8
  i32 count;
  1: optional i64 stamp;  // ids and no ids mixed
}

struct LegacyBatch {
  1: list<LegacyRecord> records,
  2: list<byte> rawFlags,      # list<byte>: Apache suggests binary
  3: map<string,list<string>>tight,
  4: set < i32 > spaced ,
}

exception LegacyError { 1: string what; 2: i32 code; }

service LegacyService {
  /** async is the old spelling of oneway. */
  async void notify(1: LegacyEvent event, 2: LegacyRecord record);
  oneway void notifyAll(1: list<LegacyRecord> records);
  LegacyBatch fetch(1: i32 limit; 2: string cursor;) throws (1: LegacyError error);
  void store(LegacyRecord record, LegacyBatch batch);
}
