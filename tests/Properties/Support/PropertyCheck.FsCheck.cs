using FsCheck;
using FsCheck.Fluent;

namespace Functional.Properties.Tests.Support;

// Temporary: the FsCheck entry point while the properties move to CsCheck; deleted with the FsCheck package.
public static partial class PropertyCheck
{
    /// <summary>Checks <paramref name="body"/> for <paramref name="runs"/> values of an FsCheck generator, from a pinned seed.</summary>
    public static void ForAll<T>(FsCheck.Gen<T> gen, Action<T> body, int runs = 100) =>
        Prop.ForAll(gen.ToArbitrary(), body).Check(Config.QuickThrowOnFailure
            .WithQuietOnSuccess(true)
            .WithMaxTest(runs)
            .WithReplay(0x5EED_F00D_2026UL, 0x9E37_79B9_7F4A_7C15UL));
}
