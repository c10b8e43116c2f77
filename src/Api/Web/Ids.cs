using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Web;

/// Identifiers from a page's route: an unusable one is a 404, never an exception.
public static class Ids
{
    public static bool TryParse<T>(string? value, out T id) where T : struct, IStringValue<T>
    {
        id = default;
        if (string.IsNullOrEmpty(value)) return false;
        try
        {
            id = T.Parse(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// An enum value by its English name or Chinese term; null when it is neither.
    public static TEnum? TryParseEnum<TEnum>(string? value) where TEnum : struct, Enum =>
        value is not null && ChineseNames.TryParse<TEnum>(value, out var parsed) ? parsed : null;
}
