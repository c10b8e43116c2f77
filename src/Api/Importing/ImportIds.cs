using System.Security.Cryptography;
using System.Text;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Importing;

/// The id of an imported fact, derived from its natural key (a meeting: branch, date, kind, group and topic;
/// a suggestion: member, date and title; …). The same row imported again, by anyone, yields the same id,
/// and the store's idempotent append writes it once.
public static class ImportIds
{
    public static FactId For(string kind, params string[] key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(kind + "\u001f" + string.Join("\u001f", key)));
        return new FactId("imp-" + Convert.ToHexStringLower(hash.AsSpan(0, 16)));
    }
}
