using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Rules;

/// What a field of a declared activity holds (#22): a level from the declared list, a number in a unit,
/// a yes/no (e.g. 获市级奖励), or free text (a title).
public enum ActivityFieldType { Level, Number, YesNo, Text }

/// The unit of a number field. A record states its unit, so "10" typed as hours into a days field is refused.
public enum ActivityUnit { Hours, Days, Sessions, Score, Items } // 小时 / 天 / 次 / 分 / 项

/// Who may record an activity of the kind: the secretary (or another recorder), or the member as a claim (申报).
public enum ActivityRecorder { Secretary, Member }

public sealed record ActivityField(string Id, string Name, ActivityFieldType Type, IReadOnlyList<string> Levels, ActivityUnit? Unit, bool Required)
{
    public bool Equals(ActivityField? other) =>
        other is not null && Id == other.Id && Name == other.Name && Type == other.Type && Levels.SequenceEqual(other.Levels)
        && Unit == other.Unit && Required == other.Required;

    public override int GetHashCode() => HashCode.Combine(Id, Type, Levels.Count, Unit, Required);
}

/// An activity kind a rule set declares beyond the four built-ins (#22), e.g. 参加党校培训 with a number of days.
/// Its records are ActivityLogged facts naming the kind; its rules (fact "activity", kind = Id) score them.
public sealed record ActivityKind(string Id, string Name, IReadOnlyList<ActivityField> Fields, IReadOnlyList<ActivityRecorder> RecordedBy)
{
    public ActivityField? Field(string id)
    {
        for (var i = 0; i < Fields.Count; i++)
            if (Fields[i].Id == id) return Fields[i];
        return null;
    }

    public bool MayRecord(ActivityRecorder who) => RecordedBy.Contains(who);

    /// The values as a person reads them, in the declaration's order: 「天数 10 天，获市级奖励 是，题目 …」.
    public string Describe(IReadOnlyList<ActivityValue> values)
    {
        var parts = new List<string>();
        foreach (var field in Fields)
        {
            var value = values.FirstOrDefault(v => v.Field == field.Id);
            if (value is null) continue;
            parts.Add(field.Type switch
            {
                ActivityFieldType.Number => $"{field.Name} {Num(value.Number ?? 0)}{(field.Unit is { } u ? " " + ActivityUnits.Chinese(u) : "")}",
                ActivityFieldType.YesNo => $"{field.Name} {(value.YesNo == true ? "是" : "否")}",
                _ => $"{field.Name} {value.Text}",
            });
        }
        return string.Join("，", parts);
    }

    private static string Num(decimal n) => n.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    public bool Equals(ActivityKind? other) =>
        other is not null && Id == other.Id && Name == other.Name && Fields.SequenceEqual(other.Fields) && RecordedBy.SequenceEqual(other.RecordedBy);

    public override int GetHashCode() => HashCode.Combine(Id, Name, Fields.Count);
}

/// One field's value on a record of a declared activity: a number, a yes/no, or a text (a level or free text).
public sealed record ActivityValue(string Field, decimal? Number = null, bool? YesNo = null, string? Text = null);

/// A band of a number (e.g. 7–30 days → +2, ≥ 60 days → +3): From and To inclusive, To absent = no upper end.
public sealed record Band(decimal From, decimal? To, Points Points)
{
    public bool Holds(decimal value) => value >= From && (To is not { } to || value <= to);
}

public static class ActivityUnits
{
    public static string Chinese(ActivityUnit unit) => unit switch
    {
        ActivityUnit.Hours => "小时",
        ActivityUnit.Days => "天",
        ActivityUnit.Sessions => "次",
        ActivityUnit.Score => "分",
        _ => "项",
    };

    /// English name (any case) or the Chinese unit.
    public static bool TryParse(string text, out ActivityUnit unit)
    {
        foreach (var u in Enum.GetValues<ActivityUnit>())
        {
            if (string.Equals(u.ToString(), text, StringComparison.OrdinalIgnoreCase) || Chinese(u) == text) { unit = u; return true; }
        }
        unit = default;
        return false;
    }

    public static string All => string.Join(", ", Enum.GetValues<ActivityUnit>().Select(u => $"{u.ToString().ToLowerInvariant()} ({Chinese(u)})"));
}
