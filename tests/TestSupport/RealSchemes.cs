namespace PointsEngine.TestSupport;

/// Two published 党员积分制 schemes expressed in our format with declared activity kinds (#22), each naming its source in
/// its description: a city foreign-affairs office's 党员积分制管理办法 (training by duration bands, articles and micro
/// lectures with a city-level bonus, invited lectures) and the 76hw.com scoring guide's 政治理论学习 and 组织生活参与
/// (group study capped yearly, notes and reflections one a quarter, four a year, category caps of 20).
public static class RealSchemes
{
    public const string Waiban = "waiban-2024.json";
    public const string StudyGuide = "study-guide-2025.json";

    public static string Document(string name)
    {
        var resource = $"PointsEngine.TestSupport.Rules.schemes.{name}";
        using var stream = typeof(RealSchemes).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource {resource} is missing.");
        using var text = new StreamReader(stream);
        return text.ReadToEnd();
    }
}
