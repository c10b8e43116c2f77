using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Projections.Tests.Examples;

/// A year small enough to check by hand with the default rule set (基础分 60; 党员大会 +5, 主题党日 +3,
/// 迟到 −1, 无故缺席 −3; 季度全勤 +2 for every listed meeting attended in person; 建议「有价值」+3;
/// volunteer 1 point per hour in half hours).
///
///   member        branch (group)          ledger                                                      total
///   m1 张三        b1 (g1)                  60 +5 +2(Q1) +3 +2(Q2) +3.5 volunteer +15 adjustment         90.5
///   m2 李四        b1 (g1)                  60 +5 +2(Q1) +0 excused +3 suggestion                          70
///   m3 王五 预备   b1 (g2)                  60 −3 absent +3 +2(Q2) +2 volunteer −2 revoked                 62
///   m4 赵六        b2 (g3)                  60 +5 +2(Q3) −2 adjustment                                      65
///   m5 钱七        b1 (g2) → b2 on 07-01    b1: 60 +5 +2(Q1) +3 −1 late = 69;  b2: +5 +2(Q3) = 7             76
public static class TwoBranchYear
{
    public static readonly BranchId B1 = new("b1"), B2 = new("b2");
    public static readonly PartyGroupId G1 = new("g1"), G2 = new("g2"), G3 = new("g3");
    public static readonly NetworkZoneId Zone = new("z1");
    public static readonly MemberId M1 = new("m1"), M2 = new("m2"), M3 = new("m3"), M4 = new("m4"), M5 = new("m5");

    private static DateOnly D(int month, int day) => new(2025, month, day);
    private static FactId F(string id) => new(id);

    public static IReadOnlyList<IFact> Facts()
    {
        var rules = RuleSetDocument.Parse(PointsEngine.TestSupport.TypicalRules.Document());
        var enrolled = new DateOnly(2024, 12, 1);
        return
        [
            new RuleSetPublished(F("rules-2025"), new DateOnly(2024, 12, 20), rules.Version, rules.EffectiveFrom, PointsEngine.TestSupport.TypicalRules.Document()),
            new NetworkZoneRegistered(F("zone-1"), enrolled, Zone, "城东网络区"),
            new BranchRegistered(F("branch-1"), enrolled, B1, "第一党支部", Zone),
            new BranchRegistered(F("branch-2"), enrolled, B2, "第二党支部", Zone),
            new PartyGroupRegistered(F("group-1"), enrolled, G1, B1, "第一党小组"),
            new PartyGroupRegistered(F("group-2"), enrolled, G2, B1, "第二党小组"),
            new PartyGroupRegistered(F("group-3"), enrolled, G3, B2, "第三党小组"),
            new MemberEnrolled(F("enrol-1"), enrolled, M1, "张三", B1, G1, MemberStatus.Full, MemberCategory.Regular),
            new MemberEnrolled(F("enrol-2"), enrolled, M2, "李四", B1, G1, MemberStatus.Full, MemberCategory.Regular),
            new MemberEnrolled(F("enrol-3"), enrolled, M3, "王五", B1, G2, MemberStatus.Probationary, MemberCategory.Regular),
            new MemberEnrolled(F("enrol-4"), enrolled, M4, "赵六", B2, G3, MemberStatus.Full, MemberCategory.Regular),
            new MemberEnrolled(F("enrol-5"), enrolled, M5, "钱七", B1, G2, MemberStatus.Full, MemberCategory.Regular),
            new MeetingHeld(F("meet-1"), D(3, 10), B1, null, MeetingKind.GeneralMeeting, MeetingMode.InPerson, "学习党章",
                [new(M1, AttendanceStatus.Present), new(M2, AttendanceStatus.Present), new(M3, AttendanceStatus.Absent), new(M5, AttendanceStatus.Present)]),
            new SuggestionSubmitted(F("sugg-1"), D(4, 1), M2, B1, "食堂改进"),
            new SuggestionAssessed(F("sugg-1-assessed"), D(4, 10), F("sugg-1"), M2, SuggestionLevel.Valuable, "支委会"),
            new MeetingHeld(F("meet-2"), D(5, 8), B1, null, MeetingKind.ThemePartyDay, MeetingMode.InPerson, "社区服务",
                [new(M1, AttendanceStatus.Present), new(M2, AttendanceStatus.Excused), new(M3, AttendanceStatus.Present), new(M5, AttendanceStatus.Late)]),
            new VolunteerServiceLogged(F("vol-1"), D(6, 1), M1, 3.5m, "做24小时党员", "社区书记"),
            new VolunteerServiceLogged(F("vol-2"), D(6, 2), M3, 2m, "做24小时党员", "社区书记"),
            new FactRevoked(F("vol-2-revoked"), D(6, 5), F("vol-2"), "重复登记", [M3]),
            new MemberTransferred(F("transfer-5"), D(7, 1), M5, B1, B2, G3),
            new MeetingHeld(F("meet-3"), D(8, 15), B2, null, MeetingKind.GeneralMeeting, MeetingMode.InPerson, "主题教育",
                [new(M4, AttendanceStatus.Present), new(M5, AttendanceStatus.Present)]),
            new ManualAdjustment(F("adjust-4"), D(9, 1), M4, new Points(-2), "迟交党费", "党委"),
            new ManualAdjustment(F("adjust-1"), D(10, 1), M1, new Points(15), "抗洪抢险表彰", "党委"),
        ];
    }
}
