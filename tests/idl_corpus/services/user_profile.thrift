/**
 * A Kitex-style business service: every request ends with
 * `255: base.Base Base` and every response with `255: base.BaseResp
 * BaseResp`, fields named like their types, snake_case names, many
 * optional fields, and a service extending base.BaseService.
 *
 * Includes ../common/base.thrift relative to this file.
 */
include "../common/base.thrift"
include "../common/errors.thrift"

namespace cpp corpus.services.profile
namespace go corpus.profile

enum Gender {
  UNKNOWN = 0,
  FEMALE = 1,
  MALE = 2,
  OTHER = 3,
}

struct UserInfo {
  1: i64 user_id,
  2: string user_name,
  3: optional string avatar_url,
  4: optional Gender gender,
  5: optional i32 age,
  6: optional map<string, string> extra_info,
  7: optional list<string> tags,
  8: i64 create_time,
  9: i64 update_time,
}

struct GetUserReq {
  1: required i64 user_id,
  2: optional bool with_tags = false,
  255: optional base.Base Base,
}

struct GetUserResp {
  1: optional UserInfo user_info,
  255: required base.BaseResp BaseResp,
}

struct MGetUserReq {
  1: required list<i64> user_ids,
  255: optional base.Base Base,
}

struct MGetUserResp {
  1: map<i64, UserInfo> user_infos,
  2: list<i64> missing_ids,
  255: required base.BaseResp BaseResp,
}

struct UpdateUserReq {
  1: required i64 user_id,
  2: optional string user_name,
  3: optional string avatar_url,
  4: optional Gender gender,
  5: optional map<string, string> extra_info,
  255: optional base.Base Base,
}

struct UpdateUserResp {
  255: required base.BaseResp BaseResp,
}

service UserProfileService extends base.BaseService {
  GetUserResp GetUser(1: GetUserReq req),
  MGetUserResp MGetUser(1: MGetUserReq req),
  UpdateUserResp UpdateUser(1: UpdateUserReq req)
    throws (1: errors.InvalidRequestError invalid, 2: errors.PermissionError denied,
            3: errors.QuotaError quota),
  oneway void ReportVisit(1: i64 user_id, 2: i64 visitor_id, 255: base.Base Base),
}
