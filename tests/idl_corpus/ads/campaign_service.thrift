/**
 * Campaign management of an advertising system. Includes the ads
 * common.thrift by a path relative to this file (a file of the same base
 * name exists in search/), and base.thrift through the -I dir
 * tests/idl_corpus/common.
 */
include "common.thrift"
include "base.thrift"

namespace cpp corpus.ads.campaigns

struct Campaign {
  1: i64 id,
  2: string name,
  3: common.Money dailyBudget,
  4: common.BidStrategy strategy = common.BidStrategy.MANUAL_CPC,
  5: common.Targeting targeting,
  6: optional i64 startMs,
  7: optional i64 endMs,
}

struct CampaignQuery {
  1: optional list<i64> ids,
  2: optional string nameContains,
  3: i32 limit = 50,
  255: optional base.Base Base,
}

struct CampaignPage {
  1: list<Campaign> campaigns,
  2: optional string cursor,
  255: base.BaseResp BaseResp,
}

exception BudgetError {
  1: string what,
  2: common.Money requested,
  3: common.Money allowed,
}

service CampaignService extends base.BaseService {
  CampaignPage listCampaigns(1: CampaignQuery query),
  Campaign createCampaign(1: Campaign campaign, 2: base.Base Base) throws (1: BudgetError budget),
  void pauseCampaigns(1: list<i64> ids, 2: string reason),
  map<i64, common.Money> spendToday(1: set<i64> ids),
}
