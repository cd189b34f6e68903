using Functional.Facade;
using Functional.Facade.Data;
using Functional.Tensors;

namespace Functional.Unit.Tests.Facade;

public sealed class ModelTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-model-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Model Small() => NetworkBuilder.Create(seed: 3, weightStd: 0.5).Affine(3, 4).Relu().Affine(4, 2).SoftmaxWithLoss().Build();

    [Fact]
    public void Save_and_Load_round_trip_bit_for_bit()
    {
        var model = Small();
        var path = Path.Combine(_directory, "model.safetensors");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(model.Network, loaded.Network);
        Assert.Equal(model.Parameters, loaded.Parameters);
    }

    [Fact]
    public void Loading_a_file_that_is_not_a_model_names_the_file()
    {
        var path = Path.Combine(_directory, "bad.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => Model.Load(path)).Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => Model.Load(Path.Combine(_directory, "missing")));
    }

    [Fact]
    public void Every_input_form_gives_the_same_predictions()
    {
        var model = Small();
        double[,] matrix = { { 0.2, 0.4, 1.0 }, { 1.0, 0.0, 0.6 } };
        double[][] jagged = [[0.2, 0.4, 1.0], [1.0, 0.0, 0.6]];
        var expected = model.Predict(Tensor.FromMatrix(matrix));
        Assert.Equal(expected, model.Predict(matrix));
        Assert.Equal(expected, model.Predict(jagged));
        Assert.Equal(expected, model.Predict([[51, 102, 255], [255, 0, 153]]));   // bytes / 255 are the same values
        var probabilities = model.Probabilities(Tensor.FromMatrix(matrix));
        Assert.Equal(1.0, probabilities[0, 0] + probabilities[0, 1], 1e-15);
    }

    [Fact]
    public void Evaluate_reports_loss_and_accuracy()
    {
        var model = Small();
        var predictions = model.Predict(new double[,] { { 0.2, 0.4, 1.0 }, { 1.0, 0.0, 0.6 } });
        var data = LabeledData.FromArrays(new double[,] { { 0.2, 0.4, 1.0 }, { 1.0, 0.0, 0.6 } }, [predictions[0], 1 - predictions[1]], classes: 2);
        var evaluation = model.Evaluate(data);
        Assert.Equal(0.5, evaluation.Accuracy);
        Assert.Equal(2, evaluation.Count);
        Assert.True(evaluation.Loss > 0);
    }

    [Fact]
    public void Data_of_another_width_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Small().Evaluate(LabeledData.FromArrays(new double[,] { { 1, 2 } }, [0], classes: 2)));
        Assert.Contains("input width is 3", error.Message, StringComparison.Ordinal);
    }
}
