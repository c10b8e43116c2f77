using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Engine.Actors;
using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Actors;

/// The ids are stored: building them without the name's string must give, for any stream, cause and
/// index, the very id the name "{stream}|{causation}|{index}" gave before (RFC 9562 v5 over its UTF-8).
public sealed class deterministic_ids_built_in_place
{
    private static readonly Guid Namespace = new("4b8a3f0e-5c1d-4d6e-9a70-2f1c8e9b6d35");

    // The original construction, kept here as the reference.
    private static Guid Reference(string name)
    {
        var input = new byte[16].Concat(Encoding.UTF8.GetBytes(name)).ToArray();
        Namespace.TryWriteBytes(input.AsSpan(0, 16), bigEndian: true, out _);
        var hash = SHA1.HashData(input);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    // Member ids, Chinese names, lone surrogates (replaced in UTF-8 alike) and names beyond the stack buffer.
    private static readonly Gen<string> Text = Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
        Gen.Elements("member-1001", "fact|会议-2025-06-01", "snapshot-member-42", "党员先锋示范岗", "\ud800x", "x\udc00"),
        Gen.Choose(100, 700).Select(n => new string('岗', n)));

    [Fact]
    public void equal_the_ids_of_the_formatted_names()
    {
        var cases = Text.SelectMany(stream => Text.SelectMany(cause => Gen.Choose(0, int.MaxValue).Select(i => (stream, cause, i))));

        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            Assert.Equal(Reference($"{c.stream}|{c.cause}|{c.i}"), DeterministicIds.For(c.stream, c.cause, c.i));
            Assert.Equal(Reference(c.stream), DeterministicIds.NameBased(c.stream));
        }), 500);
    }

    [Fact]
    public void are_standard_version_5_uuids()
    {
        // Pinned from an independent implementation (Python's uuid.uuid5), so a change that shifted every
        // id, on both paths alike, is caught too.
        Assert.Equal(new Guid("1f4d159b-07db-5378-914a-bb11d7ace787"), DeterministicIds.For("tally-m1", "fact-1", 0));
        Assert.Equal(new Guid("c9bdd41b-9f9c-5480-9098-594f3623a739"), DeterministicIds.NameBased("fact|会议-1"));
    }
}
