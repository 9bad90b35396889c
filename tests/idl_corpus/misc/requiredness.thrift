/**
 * Requiredness everywhere: required, optional and default fields of every
 * type, with and without defaults, in structs, exceptions, unions and
 * method arguments; typedefs of typedefs of every kind; binary fields.
 *
 * Includes units.thrift through the -I dir tests/idl_corpus/common.
 */
include "units.thrift"

namespace cpp corpus.misc.requiredness

typedef units.IngestTime ArrivalTime
typedef ArrivalTime ArrivalTimeAlias
typedef list<ArrivalTimeAlias> ArrivalTimes
typedef map<units.TableName, ArrivalTimes> ArrivalsByTable
typedef set<units.RowKey> RowKeySet
typedef Profile ProfileAlias
typedef ProfileAlias ProfileAliasAlias
typedef list<ProfileAliasAlias> Profiles
typedef binary Digest
typedef Digest Sha256

enum Tier {
  FREE = 0,
  PRO = 1,
  ENTERPRISE = 2,
}

/** One field of each type and each requiredness. */
struct Profile {
  1: required i64 id,
  2: optional i64 optId,
  3: i64 plainId,
  4: required string name,
  5: optional string nickname,
  6: string bio = "",
  7: required bool active = true,
  8: optional bool verified = false,
  9: bool admin,
  10: required double score = 0.0,
  11: optional double rating,
  12: double weight = 1.5,
  13: required binary avatar,
  14: optional binary banner,
  15: binary signature = "sig",
  16: required Tier tier = Tier.FREE,
  17: optional Tier previousTier,
  18: Tier nextTier = Tier.PRO,
  19: required list<string> emails,
  20: optional list<string> phones,
  21: list<string> aliases = [],
  22: required set<i32> groups,
  23: optional set<i32> formerGroups = [1],
  24: set<i32> pendingGroups,
  25: required map<string, string> attributes,
  26: optional map<string, string> secrets,
  27: map<string, i64> counters = {"logins": 0},
  28: required units.EventTime createdAt,
  29: optional ArrivalTimeAlias lastSeen,
  30: ArrivalTimes history,
  31: optional ArrivalsByTable arrivals,
  32: required Sha256 passwordHash,
  33: optional RowKeySet rowKeys,
  34: required i8 age8,
  35: optional i16 age16,
  36: i32 age32 = 18,
}

/** Struct fields of every requiredness, including typedefs of structs. */
struct Account {
  1: required Profile owner,
  2: optional Profile delegate_,
  3: Profile auditor,
  4: required ProfileAliasAlias ownerAlias,
  5: optional Profiles team,
  6: list<ProfileAlias> viewers,
  7: map<string, ProfileAliasAlias> byRole,
}

/** Exceptions with every requiredness. */
exception ProfileError {
  1: required string what,
  2: optional i32 code,
  3: Tier tier = Tier.FREE,
  4: optional Profile offending,
}

/** A union of typedefs. */
union Identity {
  1: i64 numericId,
  2: units.Identifier textId,
  3: Sha256 digest,
  4: ProfileAlias profile,
}

service ProfileService {
  Profile getProfile(1: required i64 id, 2: optional bool withSecrets, 3: i32 version = 1)
    throws (1: ProfileError error),
  Account getAccount(1: Identity who) throws (1: ProfileError error),
  Profiles search(1: string query, 2: i32 limit = 20, 3: optional Tier tier),
  ArrivalsByTable arrivals(1: units.TableNames tables),
  void update(1: required Profile profile, 2: required Sha256 expectedHash)
    throws (1: ProfileError error),
}
