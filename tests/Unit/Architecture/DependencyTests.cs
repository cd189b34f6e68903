using System.Text.RegularExpressions;

namespace Functional.Unit.Tests.Architecture;

/// <summary>
/// The folders of src/Pure depend on each other one way only: values (Tensors) at the bottom, then kernels, layers,
/// networks and training on top. Read from the source tree, so a file that adds a back edge fails here with its
/// name and the edge, before the circle sets in.
/// </summary>
public partial class DependencyTests
{
    // The root namespace, for the files directly in src/Pure (ForwardResult).
    private const string Root = "Functional";

    /// <summary>
    /// Which folders of src/Pure each folder may use (a <c>using Functional.X;</c> or a name qualified as <c>X.Type</c>,
    /// crefs included). A new edge must be added here on purpose; the table itself must stay acyclic.
    /// </summary>
    internal static readonly SortedDictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        [Root] = ["Tensors"],
        ["Tensors"] = [],
        ["Numerics"] = [],
        ["Parallelism"] = [],
        ["Kernels"] = ["Parallelism"],
        ["Validation"] = ["Tensors"],
        ["Verification"] = ["Tensors"],
        ["Rng"] = ["Numerics", "Tensors"],
        ["Parameters"] = ["Tensors"],
        ["Nodes"] = ["Tensors", "Validation"],
        ["Losses"] = ["Kernels", "Numerics", "Tensors", "Validation"],
        ["Data"] = ["Kernels", "Losses", "Tensors"],
        ["Initializers"] = ["Rng", "Tensors"],
        ["Composition"] = ["Initializers", "Rng", "Tensors"],
        ["Layers"] = ["Composition", "Data", "Initializers", "Kernels", "Numerics", "Rng", "Tensors", "Validation"],
        ["Optimizers"] = ["Kernels", "Numerics", "Parallelism", "Parameters", "Tensors", "Validation"],
        ["Networks"] = ["Composition", "Data", "Initializers", "Layers", "Losses", "Optimizers", "Parameters", "Rng", "Tensors", "Verification"],
        ["Float32"] = ["Data", "Kernels", "Layers", "Losses", "Networks", "Numerics", "Parameters", "Tensors"],
        ["Training"] = ["Data", "Float32", "Initializers", "Losses", "Networks", "Optimizers", "Parallelism", "Parameters", "Rng", "Tensors"],
    };

    [Fact]
    public void Every_src_Pure_file_uses_only_the_folders_its_folder_may_use()
    {
        var violations = Violations(PureSources(), Allowed);

        Assert.True(violations.Count == 0, "Dependencies the table in DependencyTests does not allow:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_allowed_table_is_acyclic_so_dependencies_point_one_way()
    {
        var cycle = FindCycle(Allowed);

        Assert.True(cycle is null, $"The allowed dependencies go round in a circle: {string.Join(" -> ", cycle ?? [])}.");
    }

    [Fact]
    public void Every_src_Pure_file_declares_the_namespace_of_its_folder()
    {
        var wrong = PureSources()
            .Select(file => (file.Path, Expected: file.Folder == Root ? Root : $"{Root}.{file.Folder}", Actual: NamespaceOf(file.Text)))
            .Where(f => f.Actual != f.Expected)
            .Select(f => $"{f.Path}: expected namespace {f.Expected}, got {f.Actual ?? "none"}")
            .ToList();

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void The_sources_are_found_and_read()
    {
        // Guards the tests above against passing on an empty or partial tree.
        var folders = PureSources().Select(f => f.Folder).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(new HashSet<string>(["Tensors", "Kernels", "Parallelism", "Parameters", "Networks", "Optimizers", "Training"]), folders);
    }

    [Fact]
    public void A_back_edge_is_reported_with_its_file_and_edge()
    {
        SourceFile[] sources =
        [
            new("Tensors/Tensor.cs", "Tensors", "using Functional.Training;\n\nnamespace Functional.Tensors;\n"),
            new("Kernels/MatrixKernels.cs", "Kernels", "namespace Functional.Kernels;\n/// <see cref=\"Networks.Mlp\"/>\n"),
            new("Networks/Mlp.cs", "Networks", "namespace Functional.Networks;\npublic static class Mlp;\n"),
            new("Training/Sgd.cs", "Training", "namespace Functional.Training;\npublic static class Sgd;\n"),
            new("Attic/Old.cs", "Attic", "namespace Functional.Attic;\n"),
        ];

        var violations = Violations(sources, Allowed);

        Assert.Contains(violations, v => v.Contains("Tensors/Tensor.cs", StringComparison.Ordinal) && v.Contains("Tensors -> Training", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("Kernels/MatrixKernels.cs", StringComparison.Ordinal) && v.Contains("Kernels -> Networks", StringComparison.Ordinal)
            && v.Contains("Networks.Mlp", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("Attic/Old.cs", StringComparison.Ordinal) && v.Contains("no row", StringComparison.Ordinal));
        Assert.Equal(3, violations.Count);
    }

    [Fact]
    public void A_circle_in_a_table_is_found_and_named()
    {
        var table = new SortedDictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["Tensors"] = [],
            ["Networks"] = ["Tensors", "Training"],
            ["Training"] = ["Networks"],
        };

        Assert.Equal<string>(["Networks", "Training", "Networks"], FindCycle(table)!);
        Assert.Null(FindCycle(new SortedDictionary<string, string[]>(StringComparer.Ordinal) { ["Tensors"] = [], ["Networks"] = ["Tensors"] }));
    }

    /// <summary>One source file: its path under src/Pure (with '/'), its top folder (or <see cref="Root"/>) and its text.</summary>
    internal sealed record SourceFile(string Path, string Folder, string Text);

    /// <summary>Every edge a file adds that its folder's row does not allow, as "file: From -> To (via …)"; and files in folders without a row.</summary>
    internal static List<string> Violations(IReadOnlyList<SourceFile> sources, SortedDictionary<string, string[]> allowed)
    {
        var folders = sources.Select(s => s.Folder).Where(f => f != Root).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var typesByFolder = folders.ToDictionary(f => f, f => sources.Where(s => s.Folder == f)
            .SelectMany(s => TypeDeclaration().Matches(s.Text).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var violations = new List<string>();
        foreach (var file in sources.OrderBy(s => s.Path, StringComparer.Ordinal))
        {
            if (!allowed.TryGetValue(file.Folder, out var may))
            {
                violations.Add($"{file.Path}: folder {file.Folder} has no row in the allowed table; place it in DependencyTests.Allowed.");
                continue;
            }
            foreach (var (target, via) in UsesOf(file, folders, typesByFolder))
            {
                if (!may.Contains(target, StringComparer.Ordinal))
                {
                    violations.Add($"{file.Path}: {file.Folder} -> {target} (via {via}) is not in the allowed table.");
                }
            }
        }
        return violations;
    }

    // The folders a file uses: by using directive, or by a name qualified with a folder's namespace and naming a type
    // declared there (so a property called Data or Parameters does not count).
    private static IEnumerable<(string Target, string Via)> UsesOf(SourceFile file, List<string> folders, Dictionary<string, HashSet<string>> typesByFolder)
    {
        foreach (Match m in UsingDirective().Matches(file.Text))
        {
            var target = m.Groups[1].Value;
            if (target != file.Folder && folders.Contains(target, StringComparer.Ordinal))
            {
                yield return (target, m.Value.Trim());
            }
        }
        foreach (Match m in QualifiedName().Matches(file.Text))
        {
            var (target, type) = (m.Groups[1].Value, m.Groups[2].Value);
            if (target != file.Folder && typesByFolder.TryGetValue(target, out var types) && types.Contains(type))
            {
                yield return (target, $"{target}.{type}");
            }
        }
    }

    /// <summary>A cycle of the table as its folders, the first repeated at the end; null when there is none.</summary>
    internal static List<string>? FindCycle(SortedDictionary<string, string[]> table)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);   // absent: unvisited; 1: on the path; 2: done
        var path = new List<string>();
        foreach (var start in table.Keys)
        {
            if (Visit(start) is { } cycle)
            {
                return cycle;
            }
        }
        return null;

        List<string>? Visit(string folder)
        {
            if (state.TryGetValue(folder, out var s))
            {
                return s == 1 ? [.. path[path.IndexOf(folder)..], folder] : null;
            }
            state[folder] = 1;
            path.Add(folder);
            foreach (var next in table.GetValueOrDefault(folder, []).Order(StringComparer.Ordinal))
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[folder] = 2;
            return null;
        }
    }

    /// <summary>Every .cs file of src/Pure outside bin and obj, in path order.</summary>
    internal static List<SourceFile> PureSources()
    {
        var pure = Path.Combine(RepositoryRoot(), "src", "Pure");
        return [.. Directory.EnumerateFiles(pure, "*.cs", SearchOption.AllDirectories)
            .Select(full => Path.GetRelativePath(pure, full).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(rel => !rel.StartsWith("bin/", StringComparison.Ordinal) && !rel.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(rel => new SourceFile(rel, rel.Contains('/', StringComparison.Ordinal) ? rel[..rel.IndexOf('/', StringComparison.Ordinal)] : Root,
                File.ReadAllText(Path.Combine(pure, rel))))];
    }

    private static string? NamespaceOf(string text) => NamespaceDeclaration().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    // As MnistTests.RepositoryData: walk up from the test binaries to the checkout.
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "src", "Pure", "Functional.Pure.csproj")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("src/Pure/Functional.Pure.csproj not found above the test binaries");
    }

    [GeneratedRegex(@"^\s*using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?:global::)?Functional\.(\w+)[\w.]*\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"(?<![\w.])(?:global::)?(?:Functional\.)?(\w+)\.(\w+)")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"\b(?:class|struct|record|interface|enum)\s+(\w+)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();
}
