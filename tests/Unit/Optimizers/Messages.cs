namespace Functional.Unit.Tests.Optimizers;

/// <summary>Checks that an error message names the operation, the expected value and the actual value.</summary>
internal static class Messages
{
    public static void Names(Exception error, params string[] parts)
    {
        foreach (var part in parts)
        {
            Assert.True(error.Message.Contains(part, StringComparison.Ordinal), $"Expected '{part}' in the message: {error.Message}");
        }
    }
}
