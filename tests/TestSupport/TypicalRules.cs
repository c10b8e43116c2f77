namespace PointsEngine.TestSupport;

/// The rule set the hand-computed years, the laws and the page tests were written against: the shipped default as
/// it was until #21 recalibrated it (version default-2025.1: +5 per 党员大会, quarterly full-attendance +2, −3 per
/// absence, …). Tests that check arithmetic by hand keep these numbers, so a change to the shipped default
/// (src/Engine/Hosting/Rules/default-ruleset.json, tested by DefaultRuleSetTests) does not rewrite their expectations.
public static class TypicalRules
{
    private const string ResourceName = "PointsEngine.TestSupport.Rules.typical-2025.1.json";

    public static string Document()
    {
        using var stream = typeof(TypicalRules).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var text = new StreamReader(stream);
        return text.ReadToEnd();
    }
}
