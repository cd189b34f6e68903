using System.Reflection;
using Functional.Tensors;

namespace Functional.Unit.Tests.Architecture;

/// <summary>Command-line and file names are the façade's business (Facade/Naming); the pure core parses none.</summary>
public class NoNameParsingInPureTests
{
    [Fact]
    public void No_public_type_of_the_pure_core_parses_text()
    {
        var parsers = typeof(Tensor<double>).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => (m.Name.StartsWith("Parse", StringComparison.Ordinal) || m.Name.StartsWith("TryParse", StringComparison.Ordinal))
                    && m.GetParameters().FirstOrDefault()?.ParameterType == typeof(string))   // text, not a file's bytes (Idx.Parse)
                .Select(m => $"{t.FullName}.{m.Name}"))
            .ToArray();
        Assert.True(parsers.Length == 0, $"the pure core parses names in: {string.Join(", ", parsers)}");
    }
}
