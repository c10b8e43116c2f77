namespace PointsEngine.Domain.Values;

// The domain's closed vocabularies. English names are what JSON and stored events carry; the
// Chinese terms are in ChineseNames for display and for rule-set documents written in Chinese.

public enum MeetingKind
{
    BranchCommittee,          // 支委会
    GeneralMeeting,           // 党员大会
    PartyGroupMeeting,        // 党小组会
    PartyLecture,             // 党课
    ThemePartyDay,            // 主题党日
    OrganisationLifeMeeting,  // 组织生活会
}

public enum MeetingMode { InPerson, Online } // 现场 / 线上

public enum AttendanceStatus { Present, Excused, Absent, Late } // 出席 / 请假 / 缺席 / 迟到

public enum SuggestionLevel { General, Valuable, HighlyValuable, Adopted } // 一般 / 有价值 / 重要价值 / 采纳

public enum GoldenIdeaLevel { First, Second, Third, Honourable } // 一等奖 / 二等奖 / 三等奖 / 鼓励奖

public enum MemberStatus { Full, Probationary } // 正式党员 / 预备党员

public enum MemberCategory { Regular, Mobile, Retired, Special } // 普通 / 流动 / 离退休 / 特殊 (e.g. long ill)

/// What kind of member fact a rule matches.
public enum FactKind
{
    Attendance,
    SuggestionAssessment,
    GoldenIdeaAward,
    GoldenIdeaImplementation,
    VolunteerService,
    Adjustment,
    Activity,   // an activity of a kind the rule set declares (#22)
}

public static class ChineseNames
{
    /// The Chinese name of any value of the vocabulary; null for an enum that is not part of it.
    public static string? OfAny<TEnum>(TEnum value) where TEnum : struct, Enum => value switch
    {
        MeetingKind k => Of(k),
        MeetingMode m => Of(m),
        AttendanceStatus a => Of(a),
        SuggestionLevel s => Of(s),
        GoldenIdeaLevel g => Of(g),
        MemberStatus s => Of(s),
        MemberCategory c => Of(c),
        _ => null,
    };

    /// What a member claims (申报).
    public static string Of(Workflows.ClaimKind kind) => kind switch
    {
        Workflows.ClaimKind.VolunteerService => "志愿服务",
        Workflows.ClaimKind.Suggestion => "合理化建议",
        _ => "金点子",
    };

    public static string Of(MeetingKind kind) => kind switch
    {
        MeetingKind.BranchCommittee => "支委会",
        MeetingKind.GeneralMeeting => "党员大会",
        MeetingKind.PartyGroupMeeting => "党小组会",
        MeetingKind.PartyLecture => "党课",
        MeetingKind.ThemePartyDay => "主题党日",
        _ => "组织生活会",
    };

    public static string Of(MeetingMode mode) => mode == MeetingMode.InPerson ? "现场" : "线上";

    public static string Of(AttendanceStatus status) => status switch
    {
        AttendanceStatus.Present => "出席",
        AttendanceStatus.Excused => "请假",
        AttendanceStatus.Absent => "缺席",
        _ => "迟到",
    };

    public static string Of(SuggestionLevel level) => level switch
    {
        SuggestionLevel.General => "一般",
        SuggestionLevel.Valuable => "有价值",
        SuggestionLevel.HighlyValuable => "重要价值",
        _ => "采纳",
    };

    public static string Of(GoldenIdeaLevel level) => level switch
    {
        GoldenIdeaLevel.First => "一等奖",
        GoldenIdeaLevel.Second => "二等奖",
        GoldenIdeaLevel.Third => "三等奖",
        _ => "鼓励奖",
    };

    public static string Of(MemberStatus status) => status == MemberStatus.Full ? "正式党员" : "预备党员";

    public static string Of(MemberCategory category) => category switch
    {
        MemberCategory.Regular => "普通",
        MemberCategory.Mobile => "流动",
        MemberCategory.Retired => "离退休",
        _ => "特殊",
    };

    /// Parses an English enum name (any case) or its Chinese term, for rule-set documents.
    public static bool TryParse<TEnum>(string text, out TEnum value) where TEnum : struct, Enum
    {
        if (text.Length > 0 && !char.IsAsciiDigit(text[0]) && Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value)) return true;
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (ChineseOf(candidate) == text) { value = candidate; return true; }
        }
        value = default;
        return false;
    }

    private static string? ChineseOf<TEnum>(TEnum value) where TEnum : struct, Enum => value switch
    {
        MeetingKind k => Of(k),
        MeetingMode m => Of(m),
        AttendanceStatus a => Of(a),
        SuggestionLevel s => Of(s),
        GoldenIdeaLevel g => Of(g),
        MemberStatus s => Of(s),
        MemberCategory c => Of(c),
        _ => null,
    };
}
