using System.Globalization;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;

namespace PointsEngine.Domain.Facts;

/// One field of a record of a declared activity as a person typed it, before it is checked against the kind's
/// declaration: a number (with the unit the person meant, if stated), a yes/no, or a text.
public sealed record ActivityInput(string Field, decimal? Number = null, string? Unit = null, bool? YesNo = null, string? Text = null);

/// A problem with one field of a record, named by the field's id (for the API's errors and the pages' forms).
public sealed record FieldRejection(string Field, Rejection Reason);

/// Checks a record of a declared activity against the declaration in force on its date (#22), once, for the API,
/// the pages and imports alike: unknown fields, missing required ones, a value of the wrong type, a number in the
/// wrong unit, a level not in the declared list. Returns the values as they are stored, or every problem.
public static class ActivityRecording
{
    public const int MaxText = 200;

    public static (IReadOnlyList<ActivityValue> Values, IReadOnlyList<FieldRejection> Problems) Read(ActivityKind kind, IReadOnlyList<ActivityInput> input)
    {
        var values = new List<ActivityValue>();
        var problems = new List<FieldRejection>();
        void Problem(string field, string code, string zh, string en) => problems.Add(new FieldRejection(field, new Rejection(code, zh, en)));

        foreach (var group in input.GroupBy(i => i.Field).Where(g => g.Count() > 1))
            Problem(group.Key, "duplicate-field", $"字段 {group.Key} 出现了多次。", $"The field {group.Key} is given more than once.");
        foreach (var given in input)
        {
            if (kind.Field(given.Field) is null)
                Problem(given.Field, "unknown-field", $"「{kind.Name}」没有字段 {given.Field}，可填：{Fields(kind)}。",
                    $"'{kind.Id}' declares no field {given.Field}; its fields are {Fields(kind)}.");
        }
        foreach (var field in kind.Fields)
        {
            var given = input.FirstOrDefault(i => i.Field == field.Id);
            if (given is null || (given.Number is null && given.YesNo is null && string.IsNullOrWhiteSpace(given.Text)))
            {
                if (field.Required)
                    Problem(field.Id, "required", $"缺少必填字段「{field.Name}」（{field.Id}）。", $"The field {field.Id} ({field.Name}) is required.");
                continue;
            }
            switch (field.Type)
            {
                case ActivityFieldType.Number:
                    if (given.Number is not { } n)
                    {
                        Problem(field.Id, "not-a-number", $"「{field.Name}」必须是数字。", $"{field.Id} must be a number.");
                        break;
                    }
                    if (given.Unit is { } unitText && field.Unit is { } declared
                        && (!ActivityUnits.TryParse(unitText, out var unit) || unit != declared))
                    {
                        Problem(field.Id, "wrong-unit", $"「{field.Name}」的单位是「{ActivityUnits.Chinese(declared)}」，不是「{unitText}」。",
                            $"{field.Id} is counted in {declared.ToString().ToLowerInvariant()}, not '{unitText}'.");
                        break;
                    }
                    if (n < 0 || decimal.Round(n, 2) != n || n > 100_000)
                    {
                        Problem(field.Id, "invalid-number", $"「{field.Name}」须为 0–100000 之间、最多两位小数的数。",
                            $"{field.Id} must lie in 0–100000 with at most two decimal places.");
                        break;
                    }
                    values.Add(new ActivityValue(field.Id, Number: n));
                    break;
                case ActivityFieldType.YesNo:
                    if (given.YesNo is not { } yes)
                    {
                        Problem(field.Id, "not-yes-no", $"「{field.Name}」必须是 true（是）或 false（否）。", $"{field.Id} must be true or false.");
                        break;
                    }
                    values.Add(new ActivityValue(field.Id, YesNo: yes));
                    break;
                case ActivityFieldType.Level:
                    var level = given.Text?.Trim();
                    if (level is null || !field.Levels.Contains(level))
                    {
                        Problem(field.Id, "unknown-level", $"「{field.Name}」的取值“{Shorten(level ?? given.Number?.ToString(CultureInfo.InvariantCulture) ?? "")}”不在声明的等级中，可选：{string.Join("、", field.Levels)}。",
                            $"'{Shorten(level ?? "")}' is not a declared level of {field.Id}; use one of {string.Join(", ", field.Levels)}.");
                        break;
                    }
                    values.Add(new ActivityValue(field.Id, Text: level));
                    break;
                default:
                    var text = given.Text?.Trim();
                    if (text is null)
                    {
                        Problem(field.Id, "not-text", $"「{field.Name}」必须是文字。", $"{field.Id} must be text.");
                        break;
                    }
                    if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
                    {
                        Problem(field.Id, "invalid-text", $"「{field.Name}」含有控制字符。", $"{field.Id} contains control characters.");
                        break;
                    }
                    if (text.Length > MaxText)
                    {
                        Problem(field.Id, "too-long", $"「{field.Name}」最多 {MaxText} 个字符（现有 {text.Length} 个）。", $"{field.Id} is at most {MaxText} characters ({text.Length} given).");
                        break;
                    }
                    values.Add(new ActivityValue(field.Id, Text: text));
                    break;
            }
        }
        return problems.Count == 0 ? (values, []) : ([], problems);
    }

    private static string Fields(ActivityKind kind) => string.Join(", ", kind.Fields.Select(f => f.Id));

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
